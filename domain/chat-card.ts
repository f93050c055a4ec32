/** What a chat message carries, whatever the provider (each turns it into its own payload). */

export interface ChatButton {
  label: string;
  url: string;
}

export interface ChatCard {
  title: string;
  lines: string[];
  /** Link buttons: the signed action links, the case page. */
  buttons: ChatButton[];
  /** `alert`: a page (red header where the provider has colours); `info`: an FYI. */
  tone: 'alert' | 'info';
}
