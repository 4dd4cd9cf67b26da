// The discreet bar of things the clerk should know (a device unplugged, lists going stale, offline,
// the clock), and the one-line answer to a command that did not go through.
import type { Language, Notice } from '../../main/api/contract.js';
import { UI, noticeText, say } from '../i18n.js';

export function NoticeBar({ language, notices, flash }: { language: Language; notices: readonly Notice[]; flash?: string | undefined }) {
  const lines = notices.map((notice) => ({ key: `${notice.code}/${notice.device ?? ''}`, text: noticeText(language, notice), serious: notice.code !== 'lists_stale_soon' && notice.code !== 'offline' }));
  return (
    <div class="notices" role="status" aria-label={say(language, UI.notices)}>
      {flash && <p class="notice notice-flash">{flash}</p>}
      {lines.length > 0 && (
        <ul>
          {lines.map((line) => (
            <li key={line.key} class={line.serious ? 'notice notice-serious' : 'notice'}>
              {line.text}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
