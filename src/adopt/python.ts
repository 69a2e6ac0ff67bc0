/**
 * The Python the image runs: a flag, else .python-version, else the newest
 * version we support that requires-python allows. Never the host's: the
 * machine running us says nothing about what the project was written for.
 */
import { AdoptRefusal } from '../errors.ts';
import { PYTHON_VERSIONS, type PythonVersion } from '../options/schema.ts';
import { SpecifierError, allowsMinor, parseSpecifier } from './specifier.ts';

export interface PythonChoice {
  version: PythonVersion;
  from: string;
}

function supported(minor: string): minor is PythonVersion {
  return (PYTHON_VERSIONS as readonly string[]).includes(minor);
}

export function choosePython(flag: PythonVersion | undefined, pythonVersionFile: string | undefined, requiresPython: string | undefined): PythonChoice {
  let clauses: ReturnType<typeof parseSpecifier> = [];
  try {
    clauses = requiresPython ? parseSpecifier(requiresPython) : [];
  } catch (error) {
    if (error instanceof SpecifierError) throw new AdoptRefusal(`pyproject.toml requires-python: ${error.message}`);
    throw error;
  }
  const allowed = (minor: string) => allowsMinor(minor, clauses);
  const check = (version: PythonVersion, from: string): PythonChoice => {
    if (!allowed(version)) throw new AdoptRefusal(`${from} asks for Python ${version}, which requires-python '${requiresPython}' does not allow`);
    return { version, from };
  };
  if (flag) return check(flag, '--python');
  // uv reads the first line that is not a comment; "3.12.4" or "cpython@3.12" name the 3.12 line.
  const line = pythonVersionFile?.split(/\r?\n/).map((text) => text.trim()).find((text) => text && !text.startsWith('#'));
  if (line) {
    const minor = /(\d+\.\d+)/.exec(line)?.[1];
    if (!minor || !supported(minor)) {
      throw new AdoptRefusal(`.python-version: '${line}' is not one of the Pythons we build on (${PYTHON_VERSIONS.join(', ')}); give --python`);
    }
    return check(minor, '.python-version');
  }
  const newest = [...PYTHON_VERSIONS].reverse().find(allowed);
  if (!newest) throw new AdoptRefusal(`pyproject.toml requires-python '${requiresPython}' allows none of ${PYTHON_VERSIONS.join(', ')}`);
  return { version: newest, from: requiresPython ? `the newest supported version requires-python '${requiresPython}' allows` : 'our default (no requires-python)' };
}
