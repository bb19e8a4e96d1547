// NLP.js ships no types; the bench uses only dockStart and the nlp container's train/process.
declare module '@nlpjs/basic' {
  export function dockStart(settings: object): Promise<{ get(name: 'nlp'): {
    addLanguage(locale: string): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<void>;
    process(locale: string, utterance: string): Promise<{ intent: string; score: number }>;
  } }>;
}
