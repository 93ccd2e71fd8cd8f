import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef } from 'react';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog: labelled by its title, focus moved into it (to `[data-autofocus]` when there is
 * one) and kept there, and given back to where it was when the dialog closes. Escape closes it
 * unless `onEscape` is left out (a secret shown once is closed on purpose only).
 */
export function Dialog({
  title,
  role = 'dialog',
  onEscape,
  testId,
  children,
}: {
  title: ReactNode;
  role?: 'dialog' | 'alertdialog';
  onEscape?: () => void;
  testId?: string;
  children: ReactNode;
}) {
  const titleId = useId();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const first =
      box.current?.querySelector<HTMLElement>('[data-autofocus]') ??
      box.current?.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    return () => before?.focus();
  }, []);
  const keyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape' && onEscape) {
      event.stopPropagation();
      onEscape();
      return;
    }
    if (event.key !== 'Tab' || !box.current) return;
    const focusable = [...box.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (focusable.length === 0) return;
    const [first, last] = [focusable[0], focusable[focusable.length - 1]];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };
  return (
    <div className="modal">
      <div
        ref={box}
        className="modal__box"
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={keyDown}
        data-testid={testId}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>
  );
}

/** Asks before something that cannot be undone; the safe answer has the focus. */
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
    <Dialog title={title} role="alertdialog" onEscape={onCancel} testId="confirm-dialog">
      {children}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="modal__actions">
        <button type="button" data-autofocus onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={pending} onClick={onConfirm}>
          {pending ? 'Working…' : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
