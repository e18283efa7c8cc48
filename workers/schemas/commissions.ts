import { z } from "@hono/zod-openapi";
import { type Balance, type EntryRow, statusOf } from "../../src/commissions/entries";
import type { Payout } from "../../src/commissions/payouts";
import { currency, money, pageQuerySchema } from "../lib/router";
import { isoTime, isoTimeOrNull } from "./shared";

const STATUSES = ["pending", "payable", "paid"] as const;

export const commissionSchema = z
  .object({
    id: z.string().openapi({ example: "com_2b7XkQ9hN4mR8sLp" }),
    campaign_id: z.string(),
    influencer_id: z.string(),
    kind: z.enum(["sale", "lead", "fee", "clawback"]),
    conversion_id: z
      .string()
      .nullable()
      .openapi({ description: "The sale or lead; for a clawback, the refunded sale." }),
    refund_id: z.string().nullable().openapi({ description: "A clawback's refund (rfd_…)." }),
    amount: z
      .number()
      .int()
      .openapi({ description: "Minor units; negative for a clawback or a lowered fee." }),
    currency: z.string(),
    status: z.enum(STATUSES).openapi({
      description: "pending until payable_at, then payable until its payout is marked paid.",
    }),
    payable_at: z.string(),
    payout_id: z.string().nullable().openapi({ description: "The payout that claimed it, if any." }),
    created_at: z.string(),
  })
  .openapi("Commission");

export const commissionListQuery = pageQuerySchema.extend({
  campaign_id: z.string().max(64).optional(),
  influencer_id: z.string().max(64).optional(),
  status: z.enum(STATUSES).optional(),
});

export function serializeCommission(row: EntryRow, now: number): z.infer<typeof commissionSchema> {
  return {
    id: row.id,
    campaign_id: row.campaignId,
    influencer_id: row.influencerId,
    kind: row.kind,
    conversion_id: row.conversionId,
    refund_id: row.refundId,
    amount: row.amount,
    currency: row.currency,
    status: statusOf(row, now),
    payable_at: isoTime(row.payableAt),
    payout_id: row.payoutId,
    created_at: isoTime(row.createdAt),
  };
}

export const balanceSchema = z
  .object({
    balances: z.array(
      z.object({
        currency: z.string(),
        pending: z.number().int(),
        payable: z.number().int().openapi({ description: "Clawbacks taken off; may be negative." }),
        paid: z.number().int(),
      }),
    ),
  })
  .openapi("Balance");

export const serializeBalance = (balances: Balance[]): z.infer<typeof balanceSchema> => ({ balances });

export const payoutSchema = z
  .object({
    id: z.string().openapi({ example: "po_8fQ2mZk4Lx7Rt1Vb" }),
    currency: z.string(),
    status: z.enum(["draft", "paid"]),
    min_amount: z.number().int(),
    total: z.number().int(),
    lines: z.array(
      z.object({
        influencer_id: z.string(),
        handle: z.string(),
        amount: z.number().int(),
        entries: z.number().int().openapi({ description: "How many ledger entries the line adds up." }),
      }),
    ),
    reference: z.string().nullable(),
    paid_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Payout");

export const payoutBody = z
  .object({
    currency,
    min_amount: money
      .min(1)
      .optional()
      .openapi({ description: "Minor units: an influencer owed less waits for a later payout (default 1)." }),
  })
  .strict();

export const paidBody = z
  .object({
    reference: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: "The bank's or PayPal's reference." }),
  })
  .strict();

export function serializePayout(payout: Payout): z.infer<typeof payoutSchema> {
  return {
    id: payout.id,
    currency: payout.currency,
    status: payout.status,
    min_amount: payout.minAmount,
    total: payout.total,
    lines: payout.lines.map((line) => ({
      influencer_id: line.influencerId,
      handle: line.handle,
      amount: line.amount,
      entries: line.entries,
    })),
    reference: payout.reference,
    paid_at: isoTimeOrNull(payout.paidAt),
    created_at: isoTime(payout.createdAt),
  };
}
