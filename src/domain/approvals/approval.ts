// Approval gates: the state a run waits in for a human "yes", and who may decide.
import type { Caller } from '../identity/caller';

export type ApprovalAction = 'approve' | 'reject';
export const APPROVAL_ACTIONS: readonly ApprovalAction[] = ['approve', 'reject'];

export type Approval = {
  /** ISO-8601 UTC: the links stop working, and the timer marks the run expired. */
  readonly expiresAt: string;
  /** Why a human must decide: the mapping asks for it, or its remediation budget is spent. */
  readonly because: 'mapping' | 'budget';
  /** The requester may not approve their own run. */
  readonly fourEyes: boolean;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
};

/** Who decides: a name, and whether the platform vouches for it (App Service authentication) or it was typed. */
/** Who decides: a typed name (deployments without sign-in), or a verified caller with its object id and roles. */
export type Decider = { readonly name: string; readonly signedIn: boolean; readonly caller?: Caller };
