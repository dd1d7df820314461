// The early script (see app/early.ts), built apart from the app by vite.config.ts: the
// page's request first, then, while both are on their way, the formats' data.
import { startEarlyRequest, warmFormats } from './app/early';

startEarlyRequest();
warmFormats();
