/**
 * The Python the image runs: the newest we build on that the project's pins
 * (--python, .python-version, an existing Dockerfile's FROM), its
 * requires-python and its lock's wheels all allow. Never the host's: the
 * machine running us says nothing about what the project was written for.
 */
import { AdoptRefusal } from '../errors.ts';
import { PYTHON_VERSIONS, type PythonVersion } from '../options/schema.ts';
import { SpecifierError, allowsMinor, parseSpecifier } from './specifier.ts';
import { lockBlocker, type Lock } from './lock.ts';

export interface PythonChoice {
  version: PythonVersion;
  from: string;
}

function supported(minor: string): minor is PythonVersion {
  return (PYTHON_VERSIONS as readonly string[]).includes(minor);
}

/** What pins the Python, besides requires-python. */
export interface PythonPins {
  flag?: PythonVersion;
  pythonVersionFile?: string;
  /** An existing Dockerfile's text: its last `FROM python:X.Y` is a pin. */
  dockerfile?: string;
  /** uv.lock, when there is one: every package installed needs a wheel (or a pure sdist) for the Python. */
  lock?: Lock;
  /** The lock's own entry the image installs (the project or the workspace member). */
  lockRoot?: string;
}

/** `FROM python:3.12-slim` (the last one: the runtime stage) -> 3.12. */
export function dockerfilePython(text: string | undefined): string | undefined {
  const found = [...(text ?? '').matchAll(/^[ \t]*FROM[ \t]+(?:--\S+[ \t]+)*(?:docker\.io\/)?(?:library\/)?python:(\d+\.\d+)/gim)];
  return found.at(-1)?.[1];
}

function specifier(text: string | undefined, where: string) {
  try {
    return text ? parseSpecifier(text) : [];
  } catch (error) {
    if (error instanceof SpecifierError) throw new AdoptRefusal(`${where}: ${error.message}`);
    throw error;
  }
}

/**
 * The newest Python we build on that every pin allows: --python, else
 * .python-version and an existing Dockerfile's FROM (each exact),
 * requires-python, the lock's requires-python, and the lock's wheels.
 */
export function choosePython(pins: PythonPins, requiresPython: string | undefined): PythonChoice {
  const clauses = specifier(requiresPython, 'pyproject.toml requires-python');
  const lockClauses = specifier(pins.lock?.requiresPython, 'uv.lock requires-python');
  const exact: { minor: string; from: string }[] = [];
  let ignored = '';
  if (pins.flag) exact.push({ minor: pins.flag, from: '--python' });
  else {
    // uv reads the first line that is not a comment; "3.12.4" or "cpython@3.12" name the 3.12 line.
    const line = pins.pythonVersionFile?.split(/\r?\n/).map((text) => text.trim()).find((text) => text && !text.startsWith('#'));
    if (line) {
      const minor = /(\d+\.\d+)/.exec(line)?.[1];
      if (!minor) throw new AdoptRefusal(`.python-version: '${line}' names no Python version; give --python`);
      exact.push({ minor, from: '.python-version' });
    }
    // Ours replaces that Dockerfile: a FROM we do not build on is no pin, only a note.
    const fromDocker = dockerfilePython(pins.dockerfile);
    if (fromDocker && supported(fromDocker)) exact.push({ minor: fromDocker, from: "the existing Dockerfile's FROM" });
    else if (fromDocker) ignored = `; the existing Dockerfile's FROM python:${fromDocker} is not one we build on`;
  }
  const [first, ...others] = exact;
  const clash = others.find((pin) => pin.minor !== first!.minor);
  if (first && clash) {
    throw new AdoptRefusal(`${first.from} says Python ${first.minor} but ${clash.from} says ${clash.minor}; give --python with the one the image should run`);
  }
  if (first && !supported(first.minor)) {
    throw new AdoptRefusal(`${first.from}: Python ${first.minor} is not one of the Pythons we build on (${PYTHON_VERSIONS.join(', ')}); give --python`);
  }
  const candidates = first ? [first.minor as PythonVersion] : [...PYTHON_VERSIONS].reverse();
  let lastBlocker: string | undefined;
  for (const minor of candidates) {
    if (!allowsMinor(minor, clauses)) {
      if (first) throw new AdoptRefusal(`${first.from} asks for Python ${minor}, which requires-python '${requiresPython}' does not allow`);
      continue;
    }
    if (!allowsMinor(minor, lockClauses)) {
      if (first) throw new AdoptRefusal(`${first.from} asks for Python ${minor}, which uv.lock's requires-python '${pins.lock!.requiresPython}' does not allow; run \`uv lock\`, then run --adopt again`);
      continue;
    }
    const blocked = pins.lock ? lockBlocker(pins.lock, pins.lockRoot, minor) : undefined;
    if (blocked) {
      lastBlocker ??= blocked;
      if (first) throw new AdoptRefusal(`uv.lock: ${blocked}; Python ${minor} comes from ${first.from}: update the package (\`uv lock --upgrade-package ${blocked.split(' ')[0]}\`) or give --python with a version it has wheels for`);
      continue;
    }
    const checks = [requiresPython ? `requires-python '${requiresPython}'` : undefined, pins.lock ? (lastBlocker ? `uv.lock's wheels (newer: ${lastBlocker})` : "uv.lock's wheels") : undefined].filter(Boolean);
    const from = first ? `${first.from}${checks.length ? `, allowed by ${checks.join(' and ')}` : ''}` : `the newest allowed by ${checks.join(' and ') || 'nothing pinned (our default)'}`;
    return { version: minor, from: `${from}${ignored}` };
  }
  if (lastBlocker) throw new AdoptRefusal(`uv.lock: no Python we build on (${PYTHON_VERSIONS.join(', ')}) can install it: ${lastBlocker}; update it (\`uv lock --upgrade-package ${lastBlocker.split(' ')[0]}\`), then run --adopt again`);
  throw new AdoptRefusal(`pyproject.toml requires-python '${requiresPython}' allows none of ${PYTHON_VERSIONS.join(', ')}`);
}
