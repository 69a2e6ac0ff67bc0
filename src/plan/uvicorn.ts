/** The Dockerfile's CMD, in exec form: the one place the server's flags are chosen. */
import { GRACEFUL_SHUTDOWN_SECONDS } from './flyToml.ts';

export interface ServeSettings {
  /** `module:attribute`, as uvicorn takes it. */
  target: string;
  port: number;
  /** The attribute is a function returning the app. */
  factory?: boolean;
  /** Put on sys.path before the import (a src layout). */
  appDir?: string;
}

export function uvicornArgs({ target, port, factory = false, appDir = '' }: ServeSettings): string[] {
  return [
    'uvicorn',
    ...(factory ? ['--factory'] : []),
    target,
    ...(appDir ? ['--app-dir', appDir] : []),
    '--host',
    '0.0.0.0',
    '--port',
    String(port),
    '--timeout-graceful-shutdown',
    String(GRACEFUL_SHUTDOWN_SECONDS),
  ];
}

/** `["uvicorn", "app.main:app", ...]`: JSON, which is what exec form is. */
export function uvicornCommand(settings: ServeSettings): string {
  return `[${uvicornArgs(settings).map((word) => JSON.stringify(word)).join(', ')}]`;
}
