import { Button, type ButtonProps } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { ConfirmDialog } from '../../ui/Dialog';
import { toast } from '../../ui/toast';
import { problemText } from '../board/problem-text';

/** A change that cannot simply be undone (delete, retire, a role, disable), and what it says. */
export interface Question {
  title: string;
  confirmLabel: string;
  /** What the toast says once it is done. */
  done: string;
  run: () => Promise<unknown>;
  /** The question itself: what will happen. */
  body: ReactNode;
}

/**
 * Asks before a change: `ask(question)` opens the question, `dialog` is where it is drawn. Kept by
 * the page, not by the table's cells (a table draws its cells anew on every render, which would
 * lose a question open in one).
 */
export function useQuestion() {
  const [question, setQuestion] = useState<Question>();
  return {
    ask: setQuestion,
    dialog: question ? (
      <ConfirmQuestion
        title={question.title}
        confirmLabel={question.confirmLabel}
        done={question.done}
        run={question.run}
        onClose={() => setQuestion(undefined)}
      >
        {question.body}
      </ConfirmQuestion>
    ) : null,
  };
}

/**
 * A small button of a table's row that asks `question` before its change (see useQuestion):
 * red, for what removes.
 */
export function AskButton({
  label,
  ariaLabel,
  color = 'red',
  onAsk,
}: {
  label: string;
  ariaLabel: string;
  color?: ButtonProps['color'];
  onAsk: () => void;
}) {
  return (
    <Button color={color} variant="subtle" size="compact-sm" aria-label={ariaLabel} onClick={onAsk}>
      {label}
    </Button>
  );
}

/**
 * A question before a change: it shows the work while it runs and, when the API refuses (a 409:
 * "work orders still refer to the site", "the last admin"), says why in the dialog. Done, it says
 * so and refreshes what the console shows.
 */
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
