// The api imports the case's updates, query and views from here; they live in ./case/messages.ts.
export * from './case/messages.js';
