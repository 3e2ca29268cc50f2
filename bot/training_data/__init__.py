"""The parts of the bot's catalogue-driven NLU data, written by bot/generate_training_data.py: the question
templates and their examples (questions), how citizens' typing varies a sentence (sentences), the names of the
procedures as typed, with their synonyms and lookup table (names), dossier lookups (dossiers), everyday questions
out of scope (out_of_scope), and the check that no public evaluation sentence leaks into training (leaks).
"""
