# Charges, earnings and payout batches come with the payouts work.
