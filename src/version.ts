declare const __VERSION__: string | undefined;

/** The package version, stamped in by the build; tests running the sources see 0.0.0-dev. */
export const VERSION: string = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';
