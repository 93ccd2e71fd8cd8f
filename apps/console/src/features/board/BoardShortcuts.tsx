import { Kbd, Modal, Table } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { ACTION_LABEL } from './board-logic';

interface Shortcut {
  /** As Mantine's useHotkeys reads them (`?` is Shift+/ on some keyboards, a key of its own on others). */
  hotkeys: string[];
  /** As the help dialog shows it. */
  keys: string;
  what: string;
  /** Only for those who may dispatch (it changes something). */
  dispatching: boolean;
}

export const BOARD_SHORTCUTS: readonly Shortcut[] = [
  { hotkeys: ['n'], keys: 'N', what: 'New work order', dispatching: true },
  { hotkeys: ['/'], keys: '/', what: 'Find a work order (focus the search)', dispatching: false },
  {
    hotkeys: ['s'],
    keys: 'S',
    what: 'Next step of the selected dispatch card (click a card or Tab to it first)',
    dispatching: true,
  },
  { hotkeys: ['shift+?', '?'], keys: '?', what: 'Show these shortcuts', dispatching: false },
];

/** The dispatch card that holds the focus, if any: the one "next step" is meant for. */
function focusedDispatch(): string | undefined {
  const card = document.activeElement?.closest('[data-testid="dispatch-card"]');
  return card?.getAttribute('data-dispatch') ?? undefined;
}

/** Gives the focus back to a card once it has moved to its next column (it is drawn anew there). */
function refocus(dispatchId: string, tries = 40): void {
  const card = document.querySelector<HTMLElement>(
    `[data-testid="dispatch-card"][data-dispatch="${dispatchId}"]`,
  );
  if (card && document.activeElement !== card && !card.contains(document.activeElement)) {
    card.focus();
    return;
  }
  if (tries > 0) window.setTimeout(() => refocus(dispatchId, tries - 1), 50);
}

/**
 * The board's keyboard: N new work order, / search, S the next step of the focused card, ? the
 * list of shortcuts. Keys typed into a field, or pressed while a dialog is open, are left alone.
 */
export function BoardShortcuts({
  canDispatch,
  helpOpened,
  onHelp,
  onCloseHelp,
  onNew,
  onSearch,
  onNextStep,
}: {
  canDispatch: boolean;
  helpOpened: boolean;
  onHelp: () => void;
  onCloseHelp: () => void;
  onNew: () => void;
  onSearch: () => void;
  /** Takes the dispatch's next step; returns that step, or nothing when there is none. */
  onNextStep: (dispatchId: string) => string | undefined;
}) {
  const unlessDialog = (action: () => void) => () => {
    if (document.querySelector('[role="dialog"]')) return;
    action();
  };
  const actions: Record<string, () => void> = {
    N: onNew,
    '/': onSearch,
    '?': onHelp,
    S: () => {
      const dispatchId = focusedDispatch();
      if (!dispatchId) {
        notifications.show({ message: 'Select a dispatch card first (click it or Tab to it)' });
        return;
      }
      const step = onNextStep(dispatchId);
      if (step) {
        notifications.show({ color: 'green', message: `${ACTION_LABEL[step] ?? step}: sent` });
        refocus(dispatchId);
      }
    },
  };
  const shown = BOARD_SHORTCUTS.filter((shortcut) => canDispatch || !shortcut.dispatching);
  useHotkeys(
    shown.flatMap((shortcut) =>
      shortcut.hotkeys.map((hotkey): [string, () => void] => [
        hotkey,
        unlessDialog(actions[shortcut.keys]),
      ]),
    ),
  );
  return (
    <Modal opened={helpOpened} onClose={onCloseHelp} title="Keyboard shortcuts" size="md">
      <Table data-testid="shortcuts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Key</Table.Th>
            <Table.Th>What it does</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((shortcut) => (
            <Table.Tr key={shortcut.keys}>
              <Table.Td>
                <Kbd>{shortcut.keys}</Kbd>
              </Table.Td>
              <Table.Td>{shortcut.what}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <p className="muted">Keys typed into a field are text, not shortcuts.</p>
    </Modal>
  );
}
