import { defineConfig } from 'orval';

/** Typed client and TanStack Query hooks, generated from the API's own OpenAPI document. */
export default defineConfig({
  dispatch: {
    input: { target: './openapi.json' },
    output: {
      mode: 'split',
      target: './src/generated/dispatch.ts',
      schemas: './src/generated/model',
      client: 'react-query',
      httpClient: 'fetch',
      clean: true,
      override: {
        mutator: { path: './src/fetcher.ts', name: 'dispatchFetch' },
        query: { useQuery: true, useMutation: true, signal: true },
        // The fetcher throws on any non-2xx answer, so calls resolve to the success body itself.
        fetch: { includeHttpResponseReturnType: false },
      },
    },
  },
});
