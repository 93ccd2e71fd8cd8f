import { notifications } from '@mantine/notifications';

/**
 * Tells the user what an action they took has done, in a toast that closes by itself (a failure
 * stays until it is closed). What needs an answer or stays relevant belongs on the page instead.
 */
export function toast(message: string, kind: 'done' | 'failed' = 'done'): void {
  notifications.show({
    message,
    color: kind === 'done' ? 'green' : 'red',
    autoClose: kind === 'done' ? 8_000 : false,
  });
}
