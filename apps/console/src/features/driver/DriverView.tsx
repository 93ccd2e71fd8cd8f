import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Card,
  Group,
  Paper,
  Stack,
  Switch,
  Text,
  Title,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import {
  ApiProblem,
  type DispatchView,
  type DriverView as DriverProfile,
  getDispatchesListQueryKey,
  getDriversMeQueryKey,
  type SiteView,
  useDispatchesList,
  useDispatchesTransition,
  useDriversMe,
  useDriversUpdateMe,
  useSitesGet,
  useWorkOrdersGet,
} from '@dispatch/api-client';
import { toast } from '../../ui/toast';
import { ACTION_LABEL, nextStep, STEP_LABEL } from '../board/board-logic';
import { problemText } from '../board/problem-text';
import { CompleteJobDialog } from './CompleteJobDialog';
import { formatMoment, formatWindow, geoUrl, telUrl, webMapsUrl } from './driver-logic';

/** Dispatches that are over: the driver's history. */
const CLOSED = new Set(['completed', 'cancelled']);

/**
 * A driver's page, made for a phone: the job at hand (where, when, how to get there and whom to
 * call) with one big button for the next step, going on and off duty, and the jobs done before.
 */
export function DriverView() {
  const me = useDriversMe();
  const open = useDispatchesList({ status: 'open', limit: 5 });
  const history = useDispatchesList({ limit: 20 });
  // Without a profile the API finds no job of the user's either: the page says why, lists and all.
  const profileError: unknown = me.error;
  const profileProblem = !me.isError
    ? null
    : profileError instanceof ApiProblem && profileError.status === 404
      ? 'Your login is not linked to a driver profile yet: ask your admin.'
      : `Your profile could not be loaded: ${problemText(profileError)}`;
  const current = open.data?.items[0];
  const past = (history.data?.items ?? []).filter(
    (dispatch) => dispatch.id !== current?.id && CLOSED.has(dispatch.status),
  );
  return (
    <Stack gap="md" maw={600} mx="auto" className="driver" data-testid="driver-page">
      {profileProblem ? (
        <Alert color="red" role="alert" data-testid="profile-problem">
          {profileProblem}
        </Alert>
      ) : (
        me.data && <DutyCard me={me.data} onJob={Boolean(current)} />
      )}
      {open.isPending ? (
        <Text c="dimmed">Loading…</Text>
      ) : current ? (
        <CurrentJob key={current.id} dispatch={current} />
      ) : (
        <Text size="lg" ta="center" c="dimmed" py="xl" data-testid="no-job">
          No job right now.
        </Text>
      )}
      <History dispatches={past} loading={history.isPending} />
    </Stack>
  );
}

/** The driver's name and their own duty switch, locked (saying why) while they are on a job. */
function DutyCard({ me, onJob }: { me: DriverProfile; onJob: boolean }) {
  const queryClient = useQueryClient();
  const update = useDriversUpdateMe();
  const onDuty = me.dutyStatus === 'on_duty';
  const locked = onDuty && onJob;
  return (
    <Paper withBorder radius="md" p="md" data-testid="duty">
      <Text fw={700} size="lg" data-testid="driver-name" truncate="end">
        {me.name}
      </Text>
      <Switch
        mt="xs"
        size="lg"
        label="On duty"
        description={
          locked
            ? 'You are on a job: complete it before going off duty.'
            : onDuty
              ? 'You get new jobs.'
              : 'Off duty: you get no jobs until you go on duty.'
        }
        checked={onDuty}
        disabled={locked || update.isPending}
        onChange={(event) => {
          const dutyStatus = event.currentTarget.checked ? 'on_duty' : 'off_duty';
          update.mutate(
            { data: { dutyStatus } },
            {
              onSuccess: (driver) => {
                queryClient.setQueryData(getDriversMeQueryKey(), driver);
                // On duty again, a queued job may come at once.
                void queryClient.invalidateQueries({ queryKey: getDispatchesListQueryKey() });
                toast(dutyStatus === 'on_duty' ? 'You are on duty.' : 'You are off duty.');
              },
            },
          );
        }}
        data-testid="duty-switch"
      />
      {update.isError && (
        <Alert color="red" role="alert" mt="sm">
          {problemText(update.error)}
        </Alert>
      )}
    </Paper>
  );
}

function CurrentJob({ dispatch }: { dispatch: DispatchView }) {
  const queryClient = useQueryClient();
  const order = useWorkOrdersGet(dispatch.workOrderId);
  const site = useSitesGet(order.data?.siteId ?? '');
  const transition = useDispatchesTransition();
  const [confirming, setConfirming] = useState(false);
  // The step just sent, until the job on screen shows it: a second tap must not repeat it. (Tied to
  // what is shown, not to background refreshes, so the button is never disabled under a finger
  // that can see the new step.)
  const [sent, setSent] = useState<string | null>(null);
  const waiting = sent !== null && dispatch.status !== sent;
  const next = nextStep(dispatch.status);
  const headline = `${dispatch.workOrderNumber} · ${dispatch.workOrderTitle}`;

  const send = (to: NonNullable<typeof next>, note?: string) => {
    setSent(to);
    transition.mutate(
      { id: dispatch.id, data: note ? { to, note } : { to } },
      {
        onSuccess: () => {
          setConfirming(false);
          if (to === 'completed') toast(`${dispatch.workOrderNumber} completed.`);
          // The live stream brings the step; this covers a stream that is down.
          void queryClient.invalidateQueries({ queryKey: getDispatchesListQueryKey() });
        },
        onError: () => setSent(null),
      },
    );
  };

  return (
    <Card
      withBorder
      radius="md"
      padding="md"
      data-testid="current-job"
      data-status={dispatch.status}
    >
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text c="dimmed" size="sm" data-testid="job-number">
          {dispatch.workOrderNumber}
        </Text>
        <Badge size="lg" variant="light" data-testid="job-status">
          {STEP_LABEL[dispatch.status]}
        </Badge>
      </Group>
      <Title order={1} size="h3" mt={4} style={{ overflowWrap: 'anywhere' }}>
        {dispatch.workOrderTitle}
      </Title>

      <Stack gap={2} mt="sm">
        <Text fw={600} style={{ overflowWrap: 'anywhere' }} data-testid="site-name">
          {dispatch.siteName}
        </Text>
        <Text style={{ overflowWrap: 'anywhere' }} data-testid="site-address">
          {site.data?.address}
        </Text>
        {order.data?.window && (
          <Text data-testid="job-window">
            <Text span c="dimmed">
              When:{' '}
            </Text>
            {formatWindow(order.data.window)}
          </Text>
        )}
        <Text>
          <Text span c="dimmed">
            Equipment:{' '}
          </Text>
          {dispatch.equipmentCode} · {dispatch.equipmentName}
        </Text>
        {order.data?.notes && (
          <Text style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-line' }}>
            <Text span c="dimmed">
              Notes:{' '}
            </Text>
            {order.data.notes}
          </Text>
        )}
      </Stack>

      {site.data && <SiteActions site={site.data} />}

      {next && (
        <Button
          fullWidth
          size="xl"
          mt="md"
          color={next === 'completed' ? 'green' : undefined}
          data-testid="next-step"
          disabled={transition.isPending || waiting}
          onClick={() => (next === 'completed' ? setConfirming(true) : send(next))}
        >
          {ACTION_LABEL[next]}
        </Button>
      )}
      {transition.isError && !confirming && (
        <Alert color="red" role="alert" mt="sm">
          {problemText(transition.error)}
        </Alert>
      )}
      <CompleteJobDialog
        job={headline}
        opened={confirming}
        pending={transition.isPending}
        error={transition.isError ? problemText(transition.error) : null}
        onConfirm={(note) => send('completed', note)}
        onClose={() => {
          setConfirming(false);
          transition.reset();
        }}
      />
    </Card>
  );
}

/** Getting there and calling ahead: links the phone's own apps open (nothing is loaded here). */
function SiteActions({ site }: { site: SiteView }) {
  const call = telUrl(site.contactPhone);
  return (
    <Stack gap="xs" mt="md">
      <Group grow gap="sm" wrap="nowrap">
        <Button component="a" href={geoUrl(site)} size="md" data-testid="navigate">
          Navigate
        </Button>
        {call && (
          <Button
            component="a"
            href={call}
            size="md"
            variant="light"
            data-testid="call-site"
            aria-label={`Call site: ${site.contactName ?? 'contact'}, ${site.contactPhone ?? ''}`}
          >
            Call site
          </Button>
        )}
      </Group>
      {call && site.contactName && (
        <Text size="sm" c="dimmed" data-testid="site-contact">
          Contact: {site.contactName}, {site.contactPhone}
        </Text>
      )}
      <Anchor
        href={webMapsUrl(site)}
        size="sm"
        target="_blank"
        rel="noopener noreferrer"
        data-testid="web-maps"
      >
        No navigation app? Open the route in web maps
      </Anchor>
    </Stack>
  );
}

/** The jobs done before, newest first: which order, where, when, and the note left. */
function History({ dispatches, loading }: { dispatches: DispatchView[]; loading: boolean }) {
  return (
    <section aria-labelledby="history-title">
      <Title order={2} size="h4" id="history-title" mb="xs">
        History
      </Title>
      {loading ? (
        <Text c="dimmed">Loading…</Text>
      ) : dispatches.length === 0 ? (
        <Text c="dimmed" data-testid="history-empty">
          No jobs done yet.
        </Text>
      ) : (
        <Box
          component="ol"
          p={0}
          m={0}
          style={{ display: 'flex', flexDirection: 'column', gap: 'var(--mantine-spacing-xs)' }}
          data-testid="history"
        >
          {dispatches.map((dispatch) => (
            <HistoryItem key={dispatch.id} dispatch={dispatch} />
          ))}
        </Box>
      )}
    </section>
  );
}

function HistoryItem({ dispatch }: { dispatch: DispatchView }) {
  const ended = dispatch.completedAt ?? dispatch.cancelledAt;
  return (
    <Paper
      component="li"
      withBorder
      radius="md"
      p="sm"
      style={{ listStyle: 'none' }}
      data-testid="history-item"
      data-dispatch={dispatch.id}
    >
      <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
        <Text fw={600} style={{ overflowWrap: 'anywhere', minWidth: 0 }}>
          {dispatch.workOrderNumber} · {dispatch.siteName}
        </Text>
        <Badge
          variant="light"
          color={dispatch.status === 'completed' ? 'green' : 'gray'}
          style={{ flexShrink: 0 }}
        >
          {STEP_LABEL[dispatch.status]}
        </Badge>
      </Group>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {dispatch.workOrderTitle}
      </Text>
      <Text size="sm" c="dimmed">
        Assigned {formatMoment(dispatch.assignedAt)}
        {ended &&
          ` · ${dispatch.status === 'completed' ? 'completed' : 'cancelled'} ${formatMoment(ended)}`}
      </Text>
      {dispatch.completionNote && (
        <Text
          size="sm"
          mt={4}
          style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-line' }}
          data-testid="history-note"
        >
          Note: {dispatch.completionNote}
        </Text>
      )}
    </Paper>
  );
}
