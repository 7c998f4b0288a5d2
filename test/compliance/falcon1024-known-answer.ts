/**
 * A FALCON-1024 known answer, made once and kept: the key pair that @noble derives from the seed 48 × 0x0b
 * (SHA-256 of each key) and two signatures of the message, one made by @noble and one by liboqs. Falcon
 * signs with a random salt, so a signature cannot be recomputed; each implementation must verify both,
 * and derive the same keys from the seed (keys already stored on nodes depend on that).
 */
export const FALCON1024_KNOWN_ANSWER = {
  seed: new Uint8Array(48).fill(0x0b),
  message: new TextEncoder().encode('HyperMesh FALCON-1024 known answer'),
  publicKeySha256: '8af861dc896f4816296c39933410990bcd3e5313463284b8e0bb4be61a827d9c',
  secretKeySha256: '405593b5c6024cb158ead5b08cb8f3b9e68d7637e04d8dd2bc5b05d612c8b625',
  signatures: {
    noble:
      'OnPoJxqqTS5J2onGxbBZTXT8s8cmH61iEUC7/trALkOhh70Ue8Uq+5MJM6MtCcP/Jiv66I1/4ilmAcdQqdPm30cC1NDKNzrP' +
      't2KkG/YsolRTIhMC2WopaIdiMDLZiS6D8ky1URlGa3jIfL/cXIw0UyDSFnW51kOV7MOG6/HUT45e2qRID+WjuOkzIpKBrnUe' +
      'pzV990ab1dEHQ+YCEUdnoAZQiw/me2cAULhnvz670aDzT5YLPH2nXES+anXpRClYOnLhRPdAmr0GyZNOyBO4czcoroik8KxG' +
      'lpS3aY4yA3DjLbUo1nkX1Tyx1+79t/QV2lP+myfGHGFYhUZ+9dB2KlocyB4YLUE45kNokDjEEWg1WWnXX4nIs8njukl8BT/D' +
      'H0ho2BGSPS9eUwgTfQch8ri+a9vmXxOFC7UsqL8q90+jo5YVguwSPsxepsWkluYsZdyc460I0jCOu0O+1Tj+JN5ziJ/mLbzy' +
      'B6LRztq4/7j98HgRGHrR5a1KjasywWobmXr7pzemoSeAPZtY+hkuxkQYybLbjYGdLNZ6uG++vycmvk17Es7BP4FqVCyGLB79' +
      'av+8oOJb+M59IyoEJQyEDmJWnbkL3qLNUY5T8V0k5+TFsjYUBUZj+oY1ESZY1Fy4IFxaeubTbg7VCUdY9YXk5EbkcoYhh22Q' +
      'kTX89CMLXWWsMnq6HqTQsGoj9+7mwMsXEJUrccR9Z7TyNb3teTBbYqcWo3vHyc6f0xM9niD5CoprGHktklJUhzCR/9VxeMDN' +
      'NZKcexjLJnX3zk8RsyB5bOKGtbzWEgKgJgm9etB7S/mcpIw+WPp75DTcw5GHdSUeyFzyc8/xdz2dRkNMm6Kpqy3PyfMcfHys' +
      'rUpbuN02UdM5hxFmyydphEmUN079LM+npBnDgLvU0pi5aPUyb4YU8G5k8rRW9Rl5mBOZL0YgyR19iltYA7UFxqo7MqvotXi2' +
      'qDi50znL7JCtcCl6WHIb0dGVrFkMqURkb3JsUOC1xPSUKK+E1xWZzCOfXkJ07lXRZENzNEWkJxs/b+iwpv+hV7hhIW+PjTGl' +
      't00HYrniihZJg28rTWPEQUTycMU9g8Im/j+ep8XChpE6+jKWSlomlT1Z2cJhjU4l8PIO4823W3ozgVd2J/GHYS2wmuaRAn/m' +
      'MRdrYkM4SxMwXKAyyKse+nmjUL8ekcBLI1Nu3f/zXyhoHa19jeEu/0htDPxwUh4GayPLaf1/fsRt6efuPrW78TeIv1cN200M' +
      'YOf62MR5veFA5xxGzruR20Sx9yf7K3nEzhJGP6tQeF9I83roWb3VS21pWXpu86LtSdVu9z08YZ1yoBu6S7MTTzR0B70pbxHm' +
      'LxilxInZ/6/F4OzXHcGOuL34y4dlr0AJZdeJe1QUgyuYo5NZ9mFM3IgpN4WVjpoK7sl1hRyMUxZa4gVoamLMryVj8eTpG0TH' +
      'mwc41c6iGtZySo0RvI43LbTRJO+zzvuaz23y/pIK4vcxjnRLvUTtjWxhtGf1GKv3eu20zMbuzQxQn8zoa7OrQLQ4vjpbGpW6' +
      'zJqCF+618aFm1xhJB8p/IamHHXfNRJnW4ePrSKt5TKUP/Jw1VDj6bTWI6pkUTb7VOVzu7U4ao45FNUuParSWgnmTmUvUWzmW' +
      '0bqqPlefrIyiqANbWmKSdGORI0An0iIolqb4eUMIXPLaXfY90IVW1D3TDw==',
    liboqs:
      'OqLLtmH/rIw8/wC9twO92h52qrAkcxZZZGiygDFpmXn0kDX5olhlXu/H1i//xlYK11wUyEIW/XFkfkN+63i8Pg2l/lrCs4tk' +
      'aY1OYu8Te5FMYl71aQ/v4hpvkx++Yg32w4NYW7E9Gqb6eZof+x2GPCTpws8+7367GRMs7FU53FTjnmuo9he+Kts3mCxsqkEp' +
      'OKkxTfJ8+TFjhtPjWTEIh+2Q1pNhkmn16fQxTj2kMpexfrMo1vpFTIEzFf817h1MiKI6WwkrrdN1rU56cioz3ooAPtsIeadD' +
      'tERbxwciKjYLbQQeWGT9nqvQZawWK2ih2X8T5T2IIx1Lo06Z5hl7RBpSvbCWxJ2q4CIMKqzT82C8bEKqykxXNsrxX03e6JNG' +
      '5M2aiCOhFyYvu9bVOdC+0rhMFWJNoBz5I1kdZR6NMj8CUOUjIYOyxxRfFDnxcc+6jagUAy6DmHaVJtby1OMcUuuqxMWhgUOS' +
      'WAyE25H7Ui55l/S7AEMf+X0TCt48ctwZVlu411SZFlZatqcZG1VhTdr2xSXytiscgLwrzAuTp2ToSwbLCEo4Z2lWuCMEhygn' +
      'l/IzZ00IFkIUdTGp+x98QDIsc4TnythFZQGazFFt/eFp5InuxRyqefBG8MsOI7kj1O0gu5aG1+s37b+SI6TQPCpClFRRRCD7' +
      'rr2IJ1oWTZTqMTVkYOl/KT3ScrEjVXFCvHVV/5O9LxmIKyi1Np9parWXlO45s14qBkEz9vcV4IKo6tPshEBsWsyOV5N4wu91' +
      'BdF7YGVSQ60GPVo6nj4Vg2T5dKasZHDTVF/gIUtOIQy9WeRZhiJ3sn6hCHx1k2D7ohVljsYlS+/zi1MtHgnCv5H89P3R/qrW' +
      '86C4v1RFinNZY+uQ0Djqc1GBxTnPJK3CyaikmJAqiWdCop365Dn0A8Hm81BYU03ebWSdCDdyr6XawUntvnWZpz2yNEISjBd0' +
      'IIn9NBrMn23GEFynIMJY+aZrHwglEh7gwnvXL4pk0cNhMLIagCBMbUVfsFfSOhMzWDi5RK+5wKNPMHimiIUqTkzS7+vX+3/2' +
      '2ocDM0mXa24OSJ9hT1MHLMhH3wYiMSFxj6x7XanDNZjGQ7yLI/sw4VySTvcLySxg2PSpkMm1fHqpEbbwenPIJbeklkqgo/OH' +
      'rMbzT1wOA47ZE5XOyMy8veuQymPoRgzlpx8oxCrfoc2jiWeTnvBV92+vXQkkb5NNi4RnkoqS8ZZtkVqNCcY3tRo1KUuWIsPT' +
      'NJrdbBK0lExXBBV53zXsu2a0xHIsg1n+Rum2GP8nRMJMXIIC3fLvZJunkoU8N/vJ7bKsPBhBIa7ir1qj6RG/ynr426S34tK2' +
      'Pdo2EFXbVnNZWKbTBwsDNLP2sDP8my+RNoztr1eYgrUMri1LsbyePUmP2z+95wU3d5wZBN2JTWA9Dj+TUv7Yu2d5b6rs3G3t' +
      'FnSnHRJZJmplbmpDOUylIgC+xI0BqIIunI58xbHCvT90twzduxeoBaG4rEXyWZYVxkKNary1vDNjFJtH3IWuA+ShMpWtbXbA' +
      '8MuzR+UY6SWyuWM3tYd2G8Zjl2A3VIIQZE/GQMiaOv+L227tYFh82yp2Y20Uw3bPsGVeSe3ZrU4eXblKdfTlv1l+a7Zwqkcc' +
      'ik7SpZLqnaUmqbRNl1UabQFGbK+adoUhlVZWssi7ua4LS0/scZmsPGNzKfPA',
  },
}
