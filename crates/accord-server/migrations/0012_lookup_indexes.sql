-- Issue 18, reads that grow with the database: a user's negotiations are found through the seats
-- it holds (`WHERE s.user_id = $1`), and a negotiation's pending invitations through
-- `invitations.negotiation_id` (the mediator's view reads them on every request). Without these
-- indexes both scan their whole table.
CREATE INDEX seats_user ON seats (user_id);
CREATE INDEX invitations_negotiation ON invitations (negotiation_id);
