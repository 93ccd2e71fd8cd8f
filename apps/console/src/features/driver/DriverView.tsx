import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import {
  ApiProblem,
  type DispatchView,
  getDispatchesListQueryKey,
  useDispatchesList,
  useDispatchesTransition,
  useDriversMe,
  useSitesGet,
  useWorkOrdersGet,
} from '@dispatch/api-client';
import { problemText } from '../board/problem-text';
import { ACTION_LABEL, nextStep, STEP_LABEL } from '../board/board-logic';

/** A phone-sized page: my current job with one big button for the next step, and my history. */
export function DriverView() {
  const me = useDriversMe();
  const open = useDispatchesList({ status: 'open', limit: 5 });
  const history = useDispatchesList({ limit: 20 });
  if (me.isError) {
    const error: unknown = me.error;
    const missing = error instanceof ApiProblem && error.status === 404;
    return (
      <p className="error">
        {missing
          ? 'Your login is not linked to a driver profile yet: ask your admin.'
          : 'Your profile could not be loaded.'}
      </p>
    );
  }
  const current = open.data?.items[0];
  const past = (history.data?.items ?? []).filter((dispatch) => dispatch.id !== current?.id);
  return (
    <div className="driver">
      <p className="muted">
        {me.data?.name} · {me.data?.dutyStatus === 'on_duty' ? 'on duty' : 'off duty'}
      </p>
      {open.isLoading ? (
        <p className="muted">Loading…</p>
      ) : current ? (
        <CurrentJob key={current.id} dispatch={current} />
      ) : (
        <p className="empty" data-testid="no-job">
          No job right now.
        </p>
      )}
      <h2>History</h2>
      <ul className="history" data-testid="history">
        {past.map((dispatch) => (
          <li key={dispatch.id}>
            {new Date(dispatch.assignedAt).toLocaleString()} · {STEP_LABEL[dispatch.status]}
          </li>
        ))}
      </ul>
    </div>
  );
}

function CurrentJob({ dispatch }: { dispatch: DispatchView }) {
  const queryClient = useQueryClient();
  const order = useWorkOrdersGet(dispatch.workOrderId);
  const transition = useDispatchesTransition();
  // The step just sent, until the job on screen shows it: a second tap must not repeat it. (Tied to
  // what is shown, not to background refreshes, so the button is never disabled under a finger
  // that can see the new step.)
  const [sent, setSent] = useState<string | null>(null);
  const waiting = sent !== null && dispatch.status !== sent;
  const next = nextStep(dispatch.status);
  return (
    <article className="job" data-testid="current-job" data-status={dispatch.status}>
      <h1>{order.data?.title ?? '…'}</h1>
      <p className="job__status">{STEP_LABEL[dispatch.status]}</p>
      <dl>
        <dt>Work order</dt>
        <dd>{order.data?.number}</dd>
        {order.data?.siteId && <SiteLines siteId={order.data.siteId} />}
        <dt>Equipment</dt>
        <dd>
          {dispatch.equipmentCode} · {dispatch.equipmentName}
        </dd>
        {order.data?.notes && (
          <>
            <dt>Notes</dt>
            <dd>{order.data.notes}</dd>
          </>
        )}
      </dl>
      {next && (
        <button
          className="big"
          data-testid="next-step"
          disabled={transition.isPending || waiting}
          onClick={() => {
            setSent(next);
            transition.mutate(
              { id: dispatch.id, data: { to: next } },
              {
                // The live stream brings the step; this covers a stream that is down.
                onSuccess: () =>
                  void queryClient.invalidateQueries({ queryKey: getDispatchesListQueryKey() }),
                onError: () => setSent(null),
              },
            );
          }}
        >
          {ACTION_LABEL[next]}
        </button>
      )}
      {transition.isError && <p className="error">{problemText(transition.error)}</p>}
    </article>
  );
}

function SiteLines({ siteId }: { siteId: string }) {
  const site = useSitesGet(siteId);
  return (
    <>
      <dt>Site</dt>
      <dd>{site.data?.name}</dd>
      <dt>Address</dt>
      <dd data-testid="site-address">{site.data?.address}</dd>
    </>
  );
}
