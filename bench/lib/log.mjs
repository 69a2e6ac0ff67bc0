// Progress goes to stderr so that stdout carries the table alone.
export function say(message) {
  process.stderr.write(`bench: ${message}\n`);
}
