import { CachedReading } from '../cached-reading';

/** A reading over a hand-driven clock, with what it read and logged. */
function reading(answers: (() => Promise<number>)[]) {
  let now = 0;
  const log: string[] = [];
  let reads = 0;
  const cached = new CachedReading(
    () => {
      const answer = answers[Math.min(reads, answers.length - 1)];
      reads += 1;
      return answer();
    },
    {
      maxAgeMilliseconds: 5_000,
      initial: 0,
      onFailure: (error) => log.push(`failed: ${String(error)}`),
      onRecovery: () => log.push('recovered'),
      now: () => now,
    },
  );
  return {
    cached,
    log,
    reads: () => reads,
    advance: (milliseconds: number) => (now += milliseconds),
  };
}

const value = (n: number) => () => Promise.resolve(n);
const failure = (message: string) => () => Promise.reject(new Error(message));

describe('CachedReading', () => {
  it('reads on first use, then serves that value until it is older than the maximum age', async () => {
    const subject = reading([value(1), value(2)]);
    expect(await subject.cached.get()).toBe(1);
    subject.advance(4_999);
    expect(await subject.cached.get()).toBe(1);
    expect(subject.reads()).toBe(1);
    subject.advance(1);
    expect(await subject.cached.get()).toBe(2);
    expect(subject.reads()).toBe(2);
  });

  it('shares one read among concurrent callers', async () => {
    let resolve: (n: number) => void = () => undefined;
    const subject = reading([() => new Promise<number>((done) => (resolve = done))]);
    const callers = [subject.cached.get(), subject.cached.get(), subject.cached.get()];
    resolve(7);
    expect(await Promise.all(callers)).toEqual([7, 7, 7]);
    expect(subject.reads()).toBe(1);
  });

  it('keeps the last value through failures, logs the first failure only, and the recovery', async () => {
    const subject = reading([value(3), failure('down'), failure('still down'), value(4)]);
    expect(await subject.cached.get()).toBe(3);
    subject.advance(5_000);
    expect(await subject.cached.get()).toBe(3);
    // A failed read is not retried on every call either.
    expect(await subject.cached.get()).toBe(3);
    expect(subject.reads()).toBe(2);
    subject.advance(5_000);
    expect(await subject.cached.get()).toBe(3);
    subject.advance(5_000);
    expect(await subject.cached.get()).toBe(4);
    expect(subject.log).toEqual(['failed: Error: down', 'recovered']);
  });

  it('serves the initial value when the very first read fails', async () => {
    const subject = reading([failure('no database')]);
    expect(await subject.cached.get()).toBe(0);
    expect(subject.log).toEqual(['failed: Error: no database']);
  });
});
