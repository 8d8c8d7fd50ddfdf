# Check-in declarations come with the session-lifecycle work.
