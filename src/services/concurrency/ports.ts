// Concurrency ports: the slots of a concurrency key and the line of runs waiting for one.
import type { SlotHolder } from '../../domain/concurrency/concurrency';

/** A run in line, with the pool its message goes to when it is handed a slot. */
export type SlotRun = { readonly execId: string; readonly worker: string };

export type SlotEntry = {
  /** The run holds a slot: taken now, or handed to it while it waited. */
  readonly holds: boolean;
  /** Other runs this call handed a freed slot to, in arrival order: their messages must be sent for them to start. */
  readonly woken: readonly SlotRun[];
  /** The runs holding the key's slots, as this call last read them. */
  readonly holders: readonly SlotHolder[];
  /** Runs in line ahead of this one (counted up to MAX_LINE_COUNT). */
  readonly ahead: number;
};

export type SlotState = { readonly holders: readonly SlotHolder[]; readonly waiting: number };

/** Counting the line stops here: a longer line reads as this many. */
export const MAX_LINE_COUNT = 1000;

/**
 * Exact across instances: every change is a conditional write, and a slot passes to the head of the line together
 * with that run leaving the line, in one transaction. The line is in arrival order (execution ids sort by time).
 */
export type ConcurrencyStore = {
  /**
   * Puts the run in the key's line (again is harmless) and hands free slots to the line's head, in order. With
   * `wait` false the run leaves the line when it did not get a slot (on_busy "skip").
   */
  enter(key: string, limit: number, run: SlotRun, wait: boolean, now: Date): Promise<SlotEntry>;
  /** Frees the run's slot and its place in line (either or none may exist), then hands freed slots on. */
  leave(key: string, limit: number, execId: string, now: Date): Promise<readonly SlotRun[]>;
  /** Who holds the slots, and how many wait: for dry runs. */
  inspect(key: string, limit: number): Promise<SlotState>;
};
