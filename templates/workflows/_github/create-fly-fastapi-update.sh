#!/usr/bin/env bash
# Run by .github/workflows/create-fly-fastapi-update.yml: proposes the update a
# newer create-fly-fastapi (or kit) would make, as a pull request. It writes
# nothing when the project is up to date. Conflicts are left as <file>.new
# beside your files and named in the pull request.
#
# CFF_COMMAND runs another create-fly-fastapi (default: the latest from npm);
# CFF_BRANCH names the branch (default: create-fly-fastapi/update).
set -euo pipefail

generator=(${CFF_COMMAND:-npx --yes create-fly-fastapi@latest})
branch="${CFF_BRANCH:-create-fly-fastapi/update}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

set +e
"${generator[@]}" --update --check --no-interactive > "$work/check.txt"
checked=$?
set -e
if [ "$checked" -eq 0 ]; then
  echo "Up to date: nothing to propose."
  exit 0
fi
if [ "$checked" -ne 7 ]; then
  cat "$work/check.txt"
  echo "::error::create-fly-fastapi --update --check exited $checked"
  exit "$checked"
fi

base="$(git rev-parse --abbrev-ref HEAD)"
git switch --quiet -C "$branch"
set +e
"${generator[@]}" --update --on-conflict new-file --no-interactive --json > "$work/report.json"
updated=$?
set -e
if [ "$updated" -ne 0 ] && [ "$updated" -ne 5 ]; then
  cat "$work/report.json"
  echo "::error::create-fly-fastapi --update exited $updated"
  exit "$updated"
fi

node - "$work/report.json" "$work/title.txt" "$work/body.md" <<'NODE'
const fs = require('node:fs');
const [reportFile, titleFile, bodyFile] = process.argv.slice(2);
const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
const kit = report.kit ? `, kit ${report.kit.name} ${report.kit.from ?? '(none)'} -> ${report.kit.to}` : '';
fs.writeFileSync(titleFile, `Update from create-fly-fastapi ${report.from} -> ${report.to}${kit}`);
const group = (status) => report.files.filter((file) => file.status === status);
const list = (files) => files.map((file) => `- \`${file.path}\`${file.reason ? `: ${file.reason}` : ''}`).join('\n');
const body = [`create-fly-fastapi ${report.from} -> ${report.to}${kit}.`, ''];
const conflicts = group('conflict');
if (conflicts.length > 0) {
  body.push('## Conflicts', '', 'Yours is untouched; ours is beside it as `<file>.new`. Merge each into its file and remove the `.new`: the check fails until then.', '', list(conflicts), '');
}
for (const [status, heading] of [['created', 'Created'], ['updated', 'Updated'], ['merged', 'Merged with your edits'], ['moved', 'Moved'], ['removed', 'Removed'], ['kept', 'Kept as you have them']]) {
  if (group(status).length > 0) body.push(`## ${heading}`, '', list(group(status)), '');
}
for (const entry of report.dependencies) body.push(`- uv ${entry.command.join(' ')}: ${entry.ok === false ? 'failed' : 'ran'}`);
fs.writeFileSync(bodyFile, `${body.join('\n').trim()}\n`);
NODE

git add --all
git -c user.name="create-fly-fastapi" -c user.email="create-fly-fastapi@users.noreply.github.com" commit --quiet -m "$(cat "$work/title.txt")"
git push --quiet --force origin "$branch"
if gh pr view "$branch" --json number > /dev/null 2>&1; then
  gh pr edit "$branch" --title "$(cat "$work/title.txt")" --body-file "$work/body.md"
else
  gh pr create --head "$branch" --base "$base" --title "$(cat "$work/title.txt")" --body-file "$work/body.md"
fi
