// The console's files as the function that serves them needs them: built once, read by name, never by path.

export type ConsoleFile = {
  readonly body: Uint8Array;
  /** The media type, with charset for text. */
  readonly contentType: string;
  /** A strong validator of the body, for If-None-Match. */
  readonly etag: string;
};

export type ConsoleFiles = {
  /** The built file of that exact name (e.g. "main.js"), or null: no other path is ever opened. */
  read(name: string): Promise<ConsoleFile | null>;
};
