/** @module Translation by any OpenAI-compatible chat endpoint (hosted or self-hosted: vLLM, Ollama) through LangChain. */
import { ChatOpenAI } from '@langchain/openai';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { LANGUAGE_NAMES, type Translator } from './translator.js';

export interface OpenAiChatOptions {
  baseUrl: string;
  apiKey: string;
  model: string;
}

export class OpenAiChatTranslator implements Translator {
  readonly name = 'openai-chat';
  readonly #model: ChatOpenAI;

  constructor(o: OpenAiChatOptions) {
    this.#model = new ChatOpenAI({
      model: o.model,
      apiKey: o.apiKey,
      temperature: 0,
      maxRetries: 0, // the caller has a time limit; a retry would only make the young person wait
      configuration: { baseURL: o.baseUrl },
    });
  }

  async translate(text: string, from: string, to: string, signal: AbortSignal): Promise<string> {
    const result = await this.#model.invoke(
      [
        new SystemMessage(
          `Translate the user's text message from ${LANGUAGE_NAMES[from] ?? from} to ${LANGUAGE_NAMES[to] ?? to}. ` +
            'Keep its meaning, tone and any numbers, amounts, phone numbers and names exactly. ' +
            'Reply with the translation only, no notes.',
        ),
        new HumanMessage(text),
      ],
      { signal },
    );
    const out = typeof result.content === 'string' ? result.content : result.content.map((c) => ('text' in c ? c.text : '')).join('');
    if (out.trim() === '') throw new Error('empty translation');
    return out.trim();
  }
}
