import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { JsonSchema } from './schema-arbitrary.js';

/*
 * What the OpenAPI document promises of an answer: a status it declares for the
 * operation, a content type it declares for that status, and a body its schema accepts
 * (a problem's `status` being the HTTP status). Any 5xx is a fault.
 */

interface ResponseObject {
  content?: Record<string, { schema?: JsonSchema }>;
}
interface Document {
  paths: Record<string, Record<string, { responses?: Record<string, ResponseObject> }>>;
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

export class ResponseChecker {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: Document) {
    addFormats.default(this.ajv);
  }

  /** What is wrong with the answer, one line each; none when it is as documented. */
  faults(method: string, template: string, answer: Answer): string[] {
    const faults: string[] = [];
    if (answer.status >= 500) faults.push(`answered ${answer.status}, a server error`);
    const responses = this.document.paths[template]?.[method.toLowerCase()]?.responses ?? {};
    const declared = responses[String(answer.status)] ?? responses['default'];
    if (!declared) {
      faults.push(
        `status ${answer.status} is not in the document (it declares ${Object.keys(responses).join(', ')})`,
      );
      return faults;
    }
    const media = answer.contentType.split(';')[0]!.trim().toLowerCase();
    const content = declared.content ?? {};
    // A status declared without content (304) has no body.
    if (Object.keys(content).length === 0) {
      if (answer.text !== '')
        faults.push(`a body where the document declares none for ${answer.status}`);
      return faults;
    }
    if (!(media in content)) {
      faults.push(
        `content type "${answer.contentType}" for ${answer.status} is not in the document (${Object.keys(content).join(', ') || 'no body'})`,
      );
      return faults;
    }
    let body: unknown = answer.text;
    // JSON media types (`application/json`, `application/problem+json`) are read; others are text.
    if (/[/+]json$/.test(media)) {
      try {
        body = JSON.parse(answer.text);
      } catch {
        faults.push(`the body is not JSON: ${answer.text.slice(0, 200)}`);
        return faults;
      }
    }
    const schema = content[media]!.schema;
    if (schema) {
      const validate = this.validator(`${method} ${template} ${answer.status} ${media}`, schema);
      if (!validate(body)) {
        faults.push(
          ...(validate.errors ?? [])
            .slice(0, 5)
            .map(
              (e) =>
                `body ${e.instancePath || '(root)'} ${e.message ?? ''} ${e.params ? JSON.stringify(e.params) : ''}`,
            ),
        );
      }
    }
    if (
      media === 'application/problem+json' &&
      (body as { status?: unknown } | null)?.status !== answer.status
    )
      faults.push(`the problem says status ${String((body as { status?: unknown }).status)}`);
    return faults;
  }

  private validator(key: string, schema: JsonSchema): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.validators.set(key, validate);
    }
    return validate;
  }
}
