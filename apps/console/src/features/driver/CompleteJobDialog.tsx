import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';

/** As long as the API takes a completion note. */
export const NOTE_MAX_LENGTH = 2000;

/**
 * Asks the driver to confirm that the job is done, with room for a note for the office (what was
 * done, a key left somewhere, a problem on site). Sends the note trimmed, or none when blank. The
 * safe answer ("Not yet") has the focus; the dialog stays open, showing the API's answer, if the
 * step is refused.
 */
export function CompleteJobDialog({
  job,
  opened,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  /** The job's number and title, as the driver knows it. */
  job: string;
  opened: boolean;
  pending: boolean;
  error: string | null;
  onConfirm: (note: string | undefined) => void;
  onClose: () => void;
}) {
  const [note, setNote] = useState('');
  const tooLong = note.length > NOTE_MAX_LENGTH;
  return (
    <Modal
      opened={opened}
      onClose={() => {
        if (!pending) onClose();
      }}
      title="Complete the job?"
      size="md"
      data-testid="complete-dialog"
    >
      <Stack gap="sm">
        <Text fw={600}>{job}</Text>
        <Textarea
          label="Note for the office (optional)"
          description="What was done, where a key was left, anything the office should know."
          placeholder="e.g. Gate was locked; key left with the site office"
          autosize
          minRows={3}
          maxRows={8}
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          error={tooLong ? `At most ${NOTE_MAX_LENGTH} characters` : undefined}
          data-testid="completion-note"
        />
        <Text size="xs" c="dimmed" ta="right" aria-live="polite">
          {note.length} / {NOTE_MAX_LENGTH}
        </Text>
        {error ? (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        ) : null}
        <Group justify="flex-end" gap="sm" wrap="nowrap">
          <Button variant="default" size="md" data-autofocus onClick={onClose} disabled={pending}>
            Not yet
          </Button>
          <Button
            color="green"
            size="md"
            loading={pending}
            disabled={tooLong}
            onClick={() => onConfirm(note.trim() || undefined)}
            data-testid="confirm-complete"
          >
            Complete job
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
