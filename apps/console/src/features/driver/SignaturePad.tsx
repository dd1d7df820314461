import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { useI18n } from '../../i18n/i18n';
import { useDomId } from '../../shared/form';

const WIDTH = 600;
const HEIGHT = 220;

/**
 * The signature of whoever hands the load over, drawn on the screen with a finger, a pen
 * or a mouse. It is optional (someone may be unable to sign): the field says whether there
 * is one, and the drawing can be cleared. `onChange` gets a PNG `data:` URL, or null.
 */
export function SignaturePad({ onChange }: { onChange: (png: string | null) => void }) {
  const { t } = useI18n();
  const id = useDomId('signature');
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef<{ x: number; y: number } | null>(null);
  const [signed, setSigned] = useState(false);
  // Read when a stroke ends, which may be before the state set by its first move is.
  const inked = useRef(false);

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.lineWidth = 3;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.strokeStyle = '#1b1b1b';
  }, []);

  const point = (event: PointerEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) / box.width) * WIDTH,
      y: ((event.clientY - box.top) / box.height) * HEIGHT,
    };
  };
  const start = (event: PointerEvent<HTMLCanvasElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    drawing.current = point(event);
  };
  const move = (event: PointerEvent<HTMLCanvasElement>) => {
    const from = drawing.current;
    const context = canvas.current?.getContext('2d');
    if (!from || !context) return;
    const to = point(event);
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
    drawing.current = to;
    if (!inked.current) {
      inked.current = true;
      setSigned(true);
    }
  };
  const end = () => {
    if (!drawing.current) return;
    drawing.current = null;
    if (canvas.current && inked.current) onChange(canvas.current.toDataURL('image/png'));
  };
  const clear = () => {
    const context = canvas.current?.getContext('2d');
    context?.clearRect(0, 0, WIDTH, HEIGHT);
    inked.current = false;
    setSigned(false);
    onChange(null);
  };

  return (
    <fieldset className="signature">
      <legend>{t('stop.signature')}</legend>
      <p className="hint" id={`${id}-hint`}>
        {t('stop.signatureHint')}
      </p>
      <canvas
        ref={canvas}
        className="signature__pad"
        width={WIDTH}
        height={HEIGHT}
        role="img"
        aria-label={t('stop.signaturePad')}
        aria-describedby={`${id}-hint ${id}-state`}
        onPointerDown={start}
        onPointerMove={move}
        onPointerUp={end}
        onPointerCancel={end}
        onPointerLeave={end}
      />
      <p id={`${id}-state`} role="status" className="signature__state">
        {signed ? t('stop.signed') : t('stop.notSigned')}
      </p>
      <button type="button" className="button" onClick={clear} disabled={!signed}>
        {t('stop.clearSignature')}
      </button>
    </fieldset>
  );
}
