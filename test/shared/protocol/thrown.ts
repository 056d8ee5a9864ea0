/** The ProtocolError a call throws; anything else it throws propagates, and not throwing fails. */
import { ProtocolError } from '../../../shared/protocol/index.ts';

export function thrown(f: () => unknown): ProtocolError {
  try {
    f();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error('expected a ProtocolError');
}
