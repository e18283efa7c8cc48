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
// The fields are copied by name: a rest/spread copy walks the object's keys generically, and this
// runs for every click in the consumer.
export function enrichClick(click: CapturedClick): ClickRow {
  const agent = parseAgent(click.user_agent);
  const bot = click.head || agent.bot;
  return {
    id: click.id,
    link_id: click.link_id,
    campaign_id: click.campaign_id,
    influencer_id: click.influencer_id,
    clicked_at: click.clicked_at,
    country: click.country,
    region: click.region,
    city: click.city,
    referer_host: click.referer_host,
    visitor_hash: click.visitor_hash,
    device: bot ? "bot" : agent.device,
    browser: agent.browser,
    os: agent.os,
    is_bot: bot,
  };
}
