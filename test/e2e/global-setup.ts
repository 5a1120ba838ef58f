/**
 * Builds the site and serves the static build with `vite preview` on 127.0.0.1 for the browser
 * tests, as a user's static file server would. The URL reaches the tests through `inject('baseUrl')`.
 */
import { build, preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');
let server: PreviewServer | null = null;

export async function setup(project: TestProject): Promise<void> {
  await build({ root, logLevel: 'warn', build: { outDir: resolve(root, 'dist') } });
  server = await preview({ root, logLevel: 'warn', preview: { host: '127.0.0.1', port: 4317, strictPort: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  project.provide('baseUrl', url);
}

export async function teardown(): Promise<void> {
  await server?.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
