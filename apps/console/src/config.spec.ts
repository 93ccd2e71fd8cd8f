import { describe, expect, it } from 'vitest';
import { onServingOrigin } from './config';

describe('onServingOrigin', () => {
  it('puts a path on the origin the console is served from', () => {
    expect(onServingOrigin('/auth', 'https://dispatch.example.com:8443')).toBe(
      'https://dispatch.example.com:8443/auth',
    );
  });

  it('reads an empty value as the origin itself', () => {
    expect(onServingOrigin('', 'https://localhost:8443')).toBe('https://localhost:8443');
  });

  it('keeps an absolute URL', () => {
    expect(onServingOrigin('http://localhost:8080', 'https://localhost:8443')).toBe(
      'http://localhost:8080',
    );
  });
});
