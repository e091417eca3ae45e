"""Stage 5: meeting packs — an agenda's papers in one PDF with continuous page numbers.

``agenda`` reads and checks the agenda; ``options`` holds what a pack is built with;
``papers`` checks and lays out every paper; ``cache`` fingerprints what a pack depends
on; ``frame`` lays out the cover, agenda and stamps; ``assemble`` puts the papers into
the frame; ``build`` runs the stages.
"""
