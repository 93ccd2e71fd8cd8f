import type { DispatchView, EquipmentView } from '@dispatch/api-client';
import { useMemo } from 'react';
import { RouterAnchor } from '../../ui/links';
import { STEP_LABEL } from './board-logic';
import { UNIT_STATE_LABEL, unitState } from './board-map-logic';
import { type Bar, barsOf, byUnit, hourTicks, position, shownSpan } from './unit-timeline';

const clock = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const percent = (fraction: number) => `${(fraction * 100).toFixed(3)}%`;

/**
 * Who is busy when, today: a row per unit in service, each of today's dispatches a bar from its
 * assignment to its completion (to now while open) labelled with the order and the driver and
 * linking to the order, and a line at now. Reads today's dispatches from the live cache, so bars
 * grow and appear as the day goes.
 */
export function UnitTimeline({
  units,
  dispatches,
  now,
  driverName,
}: {
  units: readonly EquipmentView[];
  dispatches: readonly DispatchView[];
  now: Date;
  driverName: (driverId: string) => string;
}) {
  const span = useMemo(() => shownSpan(dispatches, now), [dispatches, now]);
  const groups = useMemo(() => byUnit(dispatches), [dispatches]);
  const ticks = hourTicks(span, span.end - span.start > 12 * 3_600_000 ? 3 : 2);
  const nowAt = position(now.getTime(), span);
  const shown = units.filter((unit) => unitState(unit.status));
  return (
    <div
      className="unit-timeline"
      role="region"
      aria-label="Unit timeline"
      data-testid="unit-timeline"
    >
      <div className="unit-timeline__scale">
        <span className="unit-timeline__corner">Unit</span>
        <div className="unit-timeline__hours" aria-hidden="true">
          {ticks.map((tick) => (
            <span
              key={tick.time}
              className="unit-timeline__tick"
              // Every sixth hour is labelled even where there is no room for the others (a phone).
              data-major={new Date(tick.time).getHours() % 6 === 0 || undefined}
              style={{ left: percent(tick.left) }}
            >
              {clock.format(tick.time)}
            </span>
          ))}
        </div>
      </div>
      {shown.length === 0 ? (
        <p className="muted">No unit in service.</p>
      ) : (
        <ul className="unit-timeline__rows">
          {shown.map((unit) => {
            const bars = barsOf(groups.get(unit.id) ?? [], span, now);
            const lanes = Math.max(1, ...bars.map((bar) => bar.lane + 1));
            const state = unitState(unit.status);
            return (
              <li
                key={unit.id}
                className="unit-timeline__row"
                data-testid="unit-timeline-row"
                data-unit={unit.id}
              >
                <span className="unit-timeline__unit" title={unit.name}>
                  <RouterAnchor
                    to="/units/$unitId"
                    params={{ unitId: unit.id }}
                    className="unit-timeline__code"
                    underline="hover"
                  >
                    {unit.code}
                  </RouterAnchor>
                  {state && (
                    <span className={`map-pin map-pin--${state} unit-timeline__state`}>
                      <span className="map-pin__shape" aria-hidden="true" />
                      <span className="visually-hidden">{UNIT_STATE_LABEL[state]}</span>
                    </span>
                  )}
                </span>
                <div className="unit-timeline__track" style={{ height: `${lanes * 1.6}rem` }}>
                  {ticks.map((tick) => (
                    <span
                      key={tick.time}
                      className="unit-timeline__grid"
                      style={{ left: percent(tick.left) }}
                      aria-hidden="true"
                    />
                  ))}
                  {bars.map((bar) => (
                    <TimelineBar key={bar.dispatch.id} bar={bar} driverName={driverName} />
                  ))}
                  <span
                    className="unit-timeline__now"
                    style={{ left: percent(nowAt) }}
                    aria-hidden="true"
                  />
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <p className="unit-timeline__legend muted">
        <span className="unit-timeline__now-key" aria-hidden="true" /> now, {clock.format(now)}
      </p>
    </div>
  );
}

function TimelineBar({ bar, driverName }: { bar: Bar; driverName: (driverId: string) => string }) {
  const { dispatch } = bar;
  const driver = driverName(dispatch.driverId);
  const until = bar.open
    ? `now (${STEP_LABEL[dispatch.status] ?? dispatch.status})`
    : clock.format(bar.to);
  const ending = dispatch.cancelledAt ? ', cancelled' : '';
  const label = `${dispatch.workOrderNumber} · ${driver}, ${clock.format(bar.from)}–${until}${ending}`;
  // A bar too narrow for its text has it beside it, on the side with room, outside the link (which
  // is named by its aria-label all the same).
  const beside = bar.width < 0.14;
  return (
    <>
      <RouterAnchor
        to="/work-orders/$workOrderId"
        params={{ workOrderId: dispatch.workOrderId }}
        className={[
          'unit-timeline__bar',
          bar.open ? 'unit-timeline__bar--open' : '',
          dispatch.cancelledAt ? 'unit-timeline__bar--cancelled' : '',
          bar.cutStart ? 'unit-timeline__bar--cut' : '',
        ]
          .filter(Boolean)
          .join(' ')}
        underline="never"
        style={{ left: percent(bar.left), width: percent(bar.width), top: `${bar.lane * 1.6}rem` }}
        aria-label={label}
        title={label}
        data-testid="unit-timeline-bar"
        data-dispatch={dispatch.id}
        data-work-order-id={dispatch.workOrderId}
      >
        {beside ? '' : `${dispatch.workOrderNumber} · ${driver}`}
      </RouterAnchor>
      {beside && (
        <span
          className="unit-timeline__beside"
          aria-hidden="true"
          style={
            bar.left > 0.5
              ? {
                  right: percent(1 - bar.left),
                  maxWidth: percent(bar.left),
                  top: `${bar.lane * 1.6}rem`,
                }
              : {
                  left: percent(bar.left + bar.width),
                  maxWidth: percent(1 - bar.left - bar.width),
                  top: `${bar.lane * 1.6}rem`,
                }
          }
        >
          {dispatch.workOrderNumber} · {driver}
        </span>
      )}
    </>
  );
}
