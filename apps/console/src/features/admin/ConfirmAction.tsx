import { Button, type ButtonProps } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { ConfirmDialog } from '../../ui/Dialog';
import { toast } from '../../ui/toast';
import { problemText } from '../board/problem-text';

/**
 * A button for a change that cannot simply be undone (delete, retire, renew, a role): it asks
 * first, shows the work while it runs and, when the API refuses (a 409: "work orders still refer to
 * the site", "the last admin"), says why in the question's dialog. Done, it says so and refreshes
 * what the console shows.
 */
export function ConfirmAction({
  label,
  title,
  confirmLabel,
  done,
  run,
  children,
  color = 'red',
  variant = 'subtle',
  size = 'compact-sm',
  ariaLabel,
}: {
  label: ReactNode;
  title: string;
  confirmLabel: string;
  /** What the toast says once it is done. */
  done: string;
  run: () => Promise<unknown>;
  /** The question: what will happen. */
  children: ReactNode;
  color?: ButtonProps['color'];
  variant?: ButtonProps['variant'];
  size?: ButtonProps['size'];
  ariaLabel?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        color={color}
        variant={variant}
        size={size}
        aria-label={ariaLabel}
        onClick={() => setOpen(true)}
      >
        {label}
      </Button>
      {open && (
        <ConfirmQuestion
          title={title}
          confirmLabel={confirmLabel}
          done={done}
          run={run}
          onClose={() => setOpen(false)}
        >
          {children}
        </ConfirmQuestion>
      )}
    </>
  );
}

/** The question of a ConfirmAction, also asked without a button of its own (a role chosen). */
export function ConfirmQuestion({
  title,
  confirmLabel,
  done,
  run,
  onClose,
  children,
}: {
  title: string;
  confirmLabel: string;
  done: string;
  run: () => Promise<unknown>;
  onClose: () => void;
  children: ReactNode;
}) {
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const confirm = () => {
    setPending(true);
    setError(undefined);
    run().then(
      () => {
        setPending(false);
        toast(done);
        void queryClient.invalidateQueries();
        onClose();
      },
      (failure: unknown) => {
        setPending(false);
        setError(problemText(failure));
      },
    );
  };
  return (
    <ConfirmDialog
      title={title}
      confirmLabel={confirmLabel}
      pending={pending}
      error={error}
      onConfirm={confirm}
      onCancel={onClose}
    >
      {children}
    </ConfirmDialog>
  );
}
