import warnings

# pyHanko imports cryptography's DSA support, which cryptography marks deprecated; we never use DSA.
warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko.sign.signers.pdf_cms")
