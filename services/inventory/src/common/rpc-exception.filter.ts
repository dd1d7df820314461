import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import type { RpcErrorBody } from '@boucle/contracts';
import { boundedErrorBody } from '@boucle/messaging';
import { InventoryError } from './errors.js';

/**
 * Every failure of a request becomes a typed answer. Database guards that fire
 * (a balance that would go negative, a duplicate serial) are refusals, not
 * crashes; anything unexpected is logged and answered as `internal`.
 */
@Catch()
export class InventoryRpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('InventoryRpc');

  catch(exception: unknown): Observable<RpcErrorBody> {
    return throwError(() => boundedErrorBody(this.toBody(exception)));
  }

  private toBody(exception: unknown): RpcErrorBody {
    if (exception instanceof InventoryError) return exception.toBody();
    const code = (exception as { code?: string } | null)?.code;
    const text = exception instanceof Error ? exception.message : '';
    if (code === '23514' && text.includes('stock_balance')) {
      return { code: 'insufficient-quantity', message: 'not enough stock for this movement' };
    }
    if (code === '23514') {
      return { code: 'validation', message: 'a value breaks a rule of the record it belongs to' };
    }
    if (code === '40P01' || code === '40001') {
      return {
        code: 'conflict',
        message: 'another change to the same stock was under way: try again',
      };
    }
    if (code === '23505') {
      return { code: 'conflict', message: 'this already exists' };
    }
    if (code === '23503') {
      return { code: 'not-found', message: 'a referenced record does not exist' };
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return { code: 'internal', message: 'internal error' };
  }
}
