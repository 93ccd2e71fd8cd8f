import { useQueryClient } from '@tanstack/react-query';
import {
  ApiProblem,
  type DispatchView,
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
        <CurrentJob dispatch={current} refreshing={open.isFetching} />
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

/** `refreshing`: the step just taken is not on screen yet; a second tap must not repeat it. */
function CurrentJob({ dispatch, refreshing }: { dispatch: DispatchView; refreshing: boolean }) {
  const queryClient = useQueryClient();
  const order = useWorkOrdersGet(dispatch.workOrderId);
  const transition = useDispatchesTransition();
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
          disabled={transition.isPending || refreshing}
          onClick={() =>
            transition.mutate(
              { id: dispatch.id, data: { to: next } },
              { onSuccess: () => void queryClient.invalidateQueries() },
            )
          }
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
