-- Issue 16, the one-text procedure in the live workbench. The rules a negotiation runs under,
-- chosen at creation: 'binding' (the first draft every party accepts is the agreement; every
-- negotiation created before keeps them) or 'one-text' (drafts are straw polls that bind nobody;
-- only the final vote does).
ALTER TABLE negotiations ADD COLUMN rules TEXT NOT NULL DEFAULT 'binding';
-- Under one-text: what parties say besides their straw poll ('accept': nothing, 'binary',
-- 'graded5'); NULL under binding rules.
ALTER TABLE negotiations ADD COLUMN feedback TEXT;
-- 1 when the draft is the final text, put to the binding vote (one-text only), else 0.
ALTER TABLE drafts ADD COLUMN final_vote BIGINT NOT NULL DEFAULT 0;
-- A party's comparison of the draft with the one before (one-text straw polls after the first):
-- much_worse | worse | about_the_same | better | much_better; NULL otherwise.
ALTER TABLE responses ADD COLUMN comparison TEXT;
