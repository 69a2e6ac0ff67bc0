import type { ProjectOptions } from '../../options/schema.ts';
import type { FlyConfig } from '../flyToml.ts';

/**
 * An optional part of the project. It owns templates/<id>/ and contributes
 * dependencies, files the runtime image needs, and fly.toml settings. The base
 * feature knows nothing about the others.
 */
export interface Feature {
  id: string;
  applies(options: ProjectOptions): boolean;
  dependencies?: readonly string[];
  devDependencies?: readonly string[];
  /** Paths from the build context that the Dockerfile's runtime stage copies. */
  runtimeFiles?: readonly string[];
  configureFly?(config: FlyConfig, options: ProjectOptions): void;
}
