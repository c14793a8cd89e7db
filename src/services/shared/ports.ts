// Shared ports: the clock, the logger and versioned reads that every feature's use cases rely on.
export type Versioned<T> = { readonly value: T; readonly etag: string };

export type Clock = { now(): Date };

export type Logger = {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
};
