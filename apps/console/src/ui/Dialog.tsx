import { Alert, Button, Group, Modal } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A modal dialog (Mantine's Modal): labelled by its title, focus moved into it (to
 * `[data-autofocus]` when there is one) and kept there, and given back to where it was when the
 * dialog closes. Escape and a click outside close it unless `onEscape` is left out (a secret shown
 * once is closed on purpose only). Shown while it is rendered.
 */
export function Dialog({
  title,
  onEscape,
  testId,
  size = 'xl',
  children,
}: {
  title: ReactNode;
  onEscape?: () => void;
  testId?: string;
  size?: 'sm' | 'md' | 'lg' | 'xl';
  children: ReactNode;
}) {
  return (
    <Modal
      opened
      onClose={() => onEscape?.()}
      title={title}
      size={size}
      closeOnEscape={Boolean(onEscape)}
      closeOnClickOutside={Boolean(onEscape)}
      withCloseButton={Boolean(onEscape)}
      data-testid={testId}
    >
      {children}
    </Modal>
  );
}

/**
 * Asks before something that cannot be undone, showing the work while it runs and the API's answer
 * if it refuses; the safe answer has the focus. (A question with nothing to show while it runs is
 * simpler with @mantine/modals' openConfirmModal.)
 */
export function ConfirmDialog({
  title,
  confirmLabel,
  pending = false,
  error,
  onConfirm,
  onCancel,
  children,
}: {
  title: ReactNode;
  confirmLabel: string;
  pending?: boolean;
  error?: ReactNode;
  onConfirm: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog title={title} onEscape={onCancel} testId="confirm-dialog" size="md">
      {children}
      {error ? (
        <Alert color="red" role="alert" mt="sm">
          {error}
        </Alert>
      ) : null}
      <Group justify="flex-end" mt="md">
        <Button variant="default" data-autofocus onClick={onCancel}>
          Cancel
        </Button>
        <Button color="red" loading={pending} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      </Group>
    </Dialog>
  );
}
