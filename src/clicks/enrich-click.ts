import { isbot } from "isbot";
import UAParser from "ua-parser-js";
import { boundedMemo } from "../memo";
import type { CapturedClick, ClickRow } from "./click-event";

// ua-parser-js reports no device type for desktops; an identified OS without one is a desktop.
function deviceType(device: string | undefined, os: string | undefined, bot: boolean): string | null {
  if (bot) return "bot";
  if (device) return device;
  return os ? "desktop" : null;
}

function text(value: string | undefined, max: number): string | null {
  return value ? value.slice(0, max) : null;
}

type Agent = { device: string | null; browser: string | null; os: string | null; bot: boolean };

// Parsing a user agent runs dozens of regular expressions, and real traffic repeats a few
// thousand user agents over and over, so the consumer's isolate remembers recent answers.
const parseAgent = boundedMemo(2000, (userAgent): Agent => {
  const bot = userAgent === "" || isbot(userAgent);
  const ua = new UAParser(userAgent).getResult();
  return {
    device: deviceType(ua.device.type, ua.os.name, bot),
    browser: text(ua.browser.name, 64),
    os: text(ua.os.name, 64),
    bot,
  };
});

// Device, browser and OS from a maintained user-agent parser; bots from isbot's maintained list,
// plus every HEAD request and every request without a user agent. The user agent itself is not kept.
export function enrichClick(click: CapturedClick): ClickRow {
  const { user_agent: userAgent, head, ...rest } = click;
  const agent = parseAgent(userAgent);
  const bot = head || agent.bot;
  return {
    ...rest,
    device: bot ? "bot" : agent.device,
    browser: agent.browser,
    os: agent.os,
    is_bot: bot,
  };
}
