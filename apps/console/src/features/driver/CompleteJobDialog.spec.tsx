// @vitest-environment jsdom
import { MantineProvider } from '@mantine/core';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CompleteJobDialog, NOTE_MAX_LENGTH } from './CompleteJobDialog';

beforeAll(() => {
  // jsdom has no FontFaceSet, which the growing textarea listens to.
  if (!('fonts' in document))
    Object.defineProperty(document, 'fonts', {
      configurable: true,
      value: { addEventListener: vi.fn(), removeEventListener: vi.fn() },
    });
});

afterEach(cleanup);

function renderDialog(props: Partial<Parameters<typeof CompleteJobDialog>[0]> = {}) {
  const onConfirm = vi.fn();
  const onClose = vi.fn();
  render(
    <MantineProvider env="test">
      <CompleteJobDialog
        job="WO-000042 · Lift the rooftop units"
        opened
        pending={false}
        error={null}
        onConfirm={onConfirm}
        onClose={onClose}
        {...props}
      />
    </MantineProvider>,
  );
  const dialog = screen.getByRole('dialog', { name: 'Complete the job?' });
  return { dialog, onConfirm, onClose };
}

describe('completing a job', () => {
  it('asks first, naming the job, with "Not yet" as the safe answer', () => {
    const { dialog, onConfirm, onClose } = renderDialog();
    expect(within(dialog).getByText('WO-000042 · Lift the rooftop units')).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Not yet' }));
    expect(onClose).toHaveBeenCalledOnce();
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('sends the note trimmed', () => {
    const { dialog, onConfirm } = renderDialog();
    fireEvent.change(within(dialog).getByLabelText(/Note for the office/), {
      target: { value: '  Key left with the site office \n' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Complete job' }));
    expect(onConfirm).toHaveBeenCalledWith('Key left with the site office');
  });

  it('sends no note when it is blank', () => {
    const { dialog, onConfirm } = renderDialog();
    fireEvent.change(within(dialog).getByLabelText(/Note for the office/), {
      target: { value: '   ' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Complete job' }));
    expect(onConfirm).toHaveBeenCalledWith(undefined);
  });

  it('refuses a note longer than the API takes, saying so', () => {
    const { dialog, onConfirm } = renderDialog();
    fireEvent.change(within(dialog).getByLabelText(/Note for the office/), {
      target: { value: 'x'.repeat(NOTE_MAX_LENGTH + 1) },
    });
    expect(within(dialog).getByText(`At most ${NOTE_MAX_LENGTH} characters`)).toBeTruthy();
    const confirm = within(dialog).getByRole('button', { name: 'Complete job' });
    expect(confirm.hasAttribute('disabled')).toBe(true);
    fireEvent.click(confirm);
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('shows why the step was refused, and cannot be dismissed while it is being sent', () => {
    const { dialog, onClose } = renderDialog({
      pending: true,
      error: 'The dispatch is cancelled',
    });
    expect(within(dialog).getByRole('alert').textContent).toBe('The dispatch is cancelled');
    expect(within(dialog).getByRole('button', { name: 'Not yet' }).hasAttribute('disabled')).toBe(
      true,
    );
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(onClose).not.toHaveBeenCalled();
  });
});
