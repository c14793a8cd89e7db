// Start-up failures a person can fix (a port taken, a data directory in use): one clear line, no stack trace.
export class StartError extends Error {
  override readonly name: string = 'StartError';
}

export class PortInUseError extends StartError {
  override readonly name = 'PortInUseError';
}
