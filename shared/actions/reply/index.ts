// Answering an event in its own thread: GitHub, GitLab, Jira, Slack, Sentry, Linear and custom sources.
export { canReply, postReply, respondViaResponseUrl, threadOf, type PostReplyInput, type RespondViaResponseUrlInput } from './reply';
export { REPLY_TIMEOUT_MS, type Fetch } from './http';
export { ReplyError, type ReplyOutcome } from './errors';
export { MARKER, carriesMarker, withMarker } from './marker';
export { Thread, REPLY_PROVIDERS, type ReplyProvider, type ThreadOf } from './thread';
export type { Posted, ReplyConfig } from './target';
export { HANDSHAKE_REASON, loopGuard } from './loop-guard';
