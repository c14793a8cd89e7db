// Clock: the system time, behind a port so services and tests agree on "now".
import type { Clock } from '../../services/shared/ports';

export const systemClock: Clock = { now: () => new Date() };
