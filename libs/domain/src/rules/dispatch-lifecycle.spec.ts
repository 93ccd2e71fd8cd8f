import { DispatchStatus } from '../enums';
import { DomainError } from '../errors';
import { assertTransition, DRIVER_STEPS, isOpen, NEXT_STEPS } from './dispatch-lifecycle';

const ALL = Object.values(DispatchStatus);
const LEGAL: [DispatchStatus, DispatchStatus][] = [
  [DispatchStatus.Assigned, DispatchStatus.Acknowledged],
  [DispatchStatus.Acknowledged, DispatchStatus.EnRoute],
  [DispatchStatus.EnRoute, DispatchStatus.OnSite],
  [DispatchStatus.OnSite, DispatchStatus.Completed],
  [DispatchStatus.Assigned, DispatchStatus.Cancelled],
  [DispatchStatus.Acknowledged, DispatchStatus.Cancelled],
  [DispatchStatus.EnRoute, DispatchStatus.Cancelled],
  [DispatchStatus.OnSite, DispatchStatus.Cancelled],
];

describe('dispatch lifecycle', () => {
  it.each(LEGAL)('allows %s → %s', (from, to) => {
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  const illegal = ALL.flatMap((from) =>
    ALL.map((to) => [from, to] as [DispatchStatus, DispatchStatus]),
  ).filter(
    ([from, to]) => !LEGAL.some(([legalFrom, legalTo]) => legalFrom === from && legalTo === to),
  );

  it.each(illegal)('refuses %s → %s, naming the current status', (from, to) => {
    try {
      assertTransition(from, to);
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('ILLEGAL_TRANSITION');
      expect((error as DomainError).details).toMatchObject({
        currentStatus: from,
        requestedStatus: to,
      });
    }
  });

  it('has exactly the 8 legal steps and two final states', () => {
    expect(ALL.flatMap((from) => NEXT_STEPS[from].map((to) => [from, to]))).toHaveLength(
      LEGAL.length,
    );
    expect(ALL.filter((status) => !isOpen(status))).toEqual([
      DispatchStatus.Completed,
      DispatchStatus.Cancelled,
    ]);
  });

  it('lets drivers take every step but cancelling', () => {
    expect(DRIVER_STEPS).not.toContain(DispatchStatus.Cancelled);
    expect(DRIVER_STEPS).toContain(DispatchStatus.Completed);
  });
});
