// The cascade layers' order comes first, then Mantine's styles, then the console's own.
import './ui/layers.css';
import '@mantine/core/styles.layer.css';
import '@mantine/dates/styles.layer.css';
import '@mantine/notifications/styles.layer.css';
import './ui/styles.css';
import { configureApiClient } from '@dispatch/api-client';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { signIn } from './auth/session';
import { config } from './config';

async function start(): Promise<void> {
  const session = await signIn();
  configureApiClient({ baseUrl: config.apiUrl, token: () => session.token() });
  createRoot(document.getElementById('root') as HTMLElement).render(
    <StrictMode>
      <App session={session} />
    </StrictMode>,
  );
}

start().catch((error: unknown) => {
  document.body.textContent = `Dispatch could not start: ${error instanceof Error ? error.message : String(error)}`;
});
