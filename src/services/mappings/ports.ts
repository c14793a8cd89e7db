// Mapping ports: where mappings are stored and looked up.
import type { Mapping } from '../../domain/mappings/mapping';

export type MappingStore = {
  get(partition: string, id: string): Promise<Mapping | null>;
  /** A point read on the by-id index: never a scan. */
  findById(id: string): Promise<Mapping | null>;
  /** Mappings alerts are matched against: one partition's, or all through the by-id partition (never a scan). */
  listCandidates(partition?: string): Promise<Mapping[]>;
  /** Every stored mapping: a scan, for administration only. */
  listAll(): Promise<Mapping[]>;
  upsertAll(mappings: readonly Mapping[]): Promise<void>;
  removeAll(mappings: readonly Mapping[]): Promise<void>;
};

/** One mapping file as read: its name for messages, and its text. */
export type MappingFile = { readonly name: string; readonly text: string };

/** How much of a mapping's remediation budget the window ending now has used: a read, nothing is spent. */
export type BudgetReader = {
  used(key: string, count: number, windowSeconds: number, now: Date): Promise<number>;
};
