// Reading a pipe line by line in the programs run with `node -e` (the launcher, the session reaper).

/**
 * Plain JavaScript that defines `eachLine(stream, onLine, onEnd)`: `onLine` for every whole line, then `onEnd` when
 * the stream ends. A last line without its newline is dropped: its writer died while writing it, and a part of a
 * line ("+12" of "+12345", a start of a request) must never be acted on.
 */
export const LINE_READER_SCRIPT = String.raw`
function eachLine(stream, onLine, onEnd) {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    text += chunk;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n')) {
      const line = text.slice(0, i); text = text.slice(i + 1);
      onLine(line);
    }
  });
  stream.on('end', onEnd);
}
`;
