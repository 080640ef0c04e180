/**
 * What room components may ask for. The room screen implements it over whichever socket is
 * open (stage socket when on stage, listen socket otherwise) and shows failures to the user.
 */
import type { StageClientMessage } from '../../../../src/protocol/stage.js';
import type { AudienceClientMessage } from '../../../../src/protocol/audience.js';
import { describe } from '../errors.js';

type NoRef<M> = M extends unknown ? Omit<M, 'ref'> : never;
export type StageCommand = NoRef<StageClientMessage>;
export type AudienceCommand = NoRef<AudienceClientMessage>;

export interface RoomActions {
  /** a stage command; resolves on ack, rejects with ApiError */
  stage(cmd: StageCommand): Promise<void>;
  /** a listener command over the listen socket */
  audience(cmd: AudienceCommand): void;
  /** shows a message in the room's alert area */
  notify(text: string, kind?: 'error' | 'info'): void;
}

/** Runs a command and reports a failure through notify; returns whether it succeeded. */
export async function run(actions: RoomActions, cmd: StageCommand, done?: string): Promise<boolean> {
  try {
    await actions.stage(cmd);
    if (done) actions.notify(done, 'info');
    return true;
  } catch (err) {
    actions.notify(describe(err), 'error');
    return false;
  }
}
